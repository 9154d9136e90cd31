/**
 * 流程设计器: the bpmn-js modeler (designer package) in a page — toolbar with 撤销/重做, 适应画布,
 * 导入 BPMN (a file) and 导出 BPMN (a download), and 保存 handing the model's XML to the route.
 * bpmn-js draws into the DOM, so it is imported inside an effect; the server renders the frame.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Space, Upload } from 'antd';
import type { ProcessModeler } from '@tongguan/designer/process/modeler';
import { useLocale, useT } from '../lib/i18n.tsx';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';

interface Props {
  xml: string;
  fileName: string;
  saving: boolean;
  onSave(xml: string): void;
}

export function ProcessDesigner({ xml, fileName, saving, onSave }: Props) {
  const t = useT();
  const locale = useLocale();
  const box = useRef<HTMLDivElement>(null);
  const modeler = useRef<ProcessModeler | null>(null);
  const [ready, setReady] = useState(false);
  const [history, setHistory] = useState({ undo: false, redo: false, dirty: false });
  const [problem, setProblem] = useState<string | null>(null);
  // Files imported so far (a done import, good or refused, counts): lets a test wait for each.
  const [imports, setImports] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | undefined;
    void import('@tongguan/designer/process/modeler').then(async ({ createProcessModeler }) => {
      if (cancelled || !box.current) return;
      const m = createProcessModeler(box.current, { locale });
      modeler.current = m;
      stop = m.onChange(() => setHistory({ undo: m.canUndo(), redo: m.canRedo(), dirty: true }));
      await m.importXML(xml).catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
      if (!cancelled) setReady(true);
    });
    return () => {
      cancelled = true;
      stop?.();
      modeler.current?.destroy();
      modeler.current = null;
    };
    // The model is loaded once; later edits live in the modeler until saved.
  }, []);

  const importFile = async (file: File) => {
    const text = await file.text();
    setProblem(null);
    await modeler.current?.importXML(text).then(() => setHistory({ undo: false, redo: false, dirty: true }), (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    setImports((n) => n + 1);
  };
  const exportFile = async () => {
    const out = await modeler.current?.saveXML();
    if (!out) return;
    const url = URL.createObjectURL(new Blob([out], { type: 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    URL.revokeObjectURL(url);
  };
  const save = async () => {
    const out = await modeler.current?.saveXML();
    if (out) onSave(out);
  };

  return (
    <div data-testid="process-designer" data-ready={ready ? 'true' : 'false'} data-imports={imports}>
      <Space wrap style={{ marginBottom: 8 }}>
        <Button onClick={() => modeler.current?.undo()} disabled={!history.undo} data-testid="designer-undo">{t('ui.designer.undo')}</Button>
        <Button onClick={() => modeler.current?.redo()} disabled={!history.redo} data-testid="designer-redo">{t('ui.designer.redo')}</Button>
        <Button onClick={() => modeler.current?.fit()}>{t('ui.designer.fit')}</Button>
        <Upload accept=".bpmn,.xml" showUploadList={false} beforeUpload={(file) => { void importFile(file); return false; }}>
          <Button data-testid="designer-import">{t('ui.designer.import')}</Button>
        </Upload>
        <Button onClick={() => void exportFile()} data-testid="designer-export">{t('ui.designer.export')}</Button>
        <Button type="primary" onClick={() => void save()} loading={saving} disabled={!ready} data-testid="designer-save">{t('ui.designer.save')}</Button>
      </Space>
      {problem ? <Alert type="error" showIcon style={{ marginBottom: 8 }} title={problem} data-testid="designer-problem" /> : null}
      <div ref={box} className="tg-designer-canvas" style={{ height: '70vh', minHeight: 420, border: '1px solid #f0f0f0', borderRadius: 6, background: '#fff' }} />
    </div>
  );
}
