/**
 * The process designer's editing core: a bpmn-js Modeler with the project's `tg` moddle
 * extension (so extension attributes survive import and export), the palette in the user's
 * language, and undo/redo over its command stack. Framework-free: the web app wraps it in a
 * component. bpmn-js draws into the DOM, so this module is loaded in the browser only.
 */
import Modeler from 'bpmn-js/lib/Modeler';
import type CommandStack from 'diagram-js/lib/command/CommandStack';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type EventBus from 'diagram-js/lib/core/EventBus';
import { tgModdleDescriptor } from '@tongguan/runtime/bpmn/parse/tg-moddle';
import { translator } from './translations.ts';

export interface ProcessModeler {
  /** Replaces the diagram; warnings are bpmn-js's notes on what it could not draw. */
  importXML(xml: string): Promise<{ warnings: string[] }>;
  saveXML(): Promise<string>;
  undo(): void;
  redo(): void;
  canUndo(): boolean;
  canRedo(): boolean;
  fit(): void;
  /** Called after every change of the model (a command executed, undone or redone). */
  onChange(listener: () => void): () => void;
  destroy(): void;
}

export function createProcessModeler(container: HTMLElement, options: { locale: string }): ProcessModeler {
  const translate = translator(options.locale);
  const modeler = new Modeler({
    container,
    moddleExtensions: { tg: tgModdleDescriptor },
    additionalModules: [{ translate: ['value', translate] }],
  });
  const stack = () => modeler.get<CommandStack>('commandStack');
  return {
    async importXML(xml) {
      const result = await modeler.importXML(xml);
      modeler.get<Canvas>('canvas').zoom('fit-viewport');
      return { warnings: result.warnings.map((w) => String((w as { message?: unknown }).message ?? w)) };
    },
    async saveXML() {
      const { xml } = await modeler.saveXML({ format: true });
      if (!xml) throw new Error('the modeler produced no XML');
      return xml;
    },
    undo: () => stack().undo(),
    redo: () => stack().redo(),
    canUndo: () => stack().canUndo(),
    canRedo: () => stack().canRedo(),
    fit: () => { modeler.get<Canvas>('canvas').zoom('fit-viewport'); },
    onChange(listener) {
      const bus = modeler.get<EventBus>('eventBus');
      bus.on('commandStack.changed', listener);
      return () => bus.off('commandStack.changed', listener);
    },
    destroy: () => modeler.destroy(),
  };
}
