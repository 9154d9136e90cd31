/**
 * The process diagram of an instance with bpmn-js's NavigatedViewer (pan and zoom, no editing):
 * completed elements green, active ones blue, withdrawn ones grey. bpmn-js draws into the DOM,
 * so it is imported inside an effect; the server renders the empty frame.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Grid as AntGrid, Space, Typography } from 'antd';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import { useT } from '../lib/i18n.tsx';
import { hasDiagramLayout, MARKER_CLASS, type ElementState } from '../lib/diagram-markers.ts';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './bpmn-diagram.css';

interface Props {
  xml: string;
  states: Record<string, ElementState>;
}

const LEGEND: [ElementState, string][] = [['completed', '#389e0d'], ['active', '#1f5fbf'], ['cancelled', '#8c8c8c']];

export function BpmnDiagram({ xml, states }: Props) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const phone = !AntGrid.useBreakpoint().md;
  const drawable = hasDiagramLayout(xml);
  const marks = JSON.stringify(states);

  useEffect(() => {
    if (!drawable) return;
    let cancelled = false;
    let destroy: (() => void) | undefined;
    import('bpmn-js/lib/NavigatedViewer').then(async ({ default: NavigatedViewer }) => {
      const container = box.current;
      if (cancelled || !container) return;
      const viewer = new NavigatedViewer({ container });
      destroy = () => viewer.destroy();
      await viewer.importXML(xml);
      if (cancelled) return;
      const canvas = viewer.get<Canvas>('canvas');
      const registry = viewer.get<ElementRegistry>('elementRegistry');
      for (const [elementId, elementState] of Object.entries(JSON.parse(marks) as Record<string, ElementState>)) {
        if (registry.get(elementId)) canvas.addMarker(elementId, MARKER_CLASS[elementState]);
      }
      canvas.zoom('fit-viewport');
      setState('ready');
    }).catch((error: unknown) => {
      if (!cancelled) setState('failed');
      // Shown to the person as "could not be drawn"; the cause goes to the console for support.
      console.error('bpmn-js import failed', error);
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [xml, marks, drawable]);

  if (!drawable) return <Alert type="info" showIcon title={t('ui.processes.noDiagram')} data-testid="diagram-missing" />;
  return (
    <div>
      {state === 'failed' ? <Alert type="error" showIcon title={t('ui.processes.diagramFailed')} /> : null}
      <div ref={box} className="tg-bpmn" data-testid="instance-diagram" data-ready={state === 'ready' ? 'true' : undefined}
        style={{ height: phone ? 300 : 440, border: '1px solid #f0f0f0', borderRadius: 6, background: '#fff' }} />
      <Space size={16} wrap style={{ marginTop: 8 }}>
        {LEGEND.map(([key, color]) => (
          <Typography.Text key={key} type="secondary"><span className="tg-bpmn-legend" style={{ borderColor: color }} />{t(`ui.processes.legend.${key}`)}</Typography.Text>
        ))}
      </Space>
    </div>
  );
}
