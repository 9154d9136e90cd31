/**
 * bpmn-moddle 10 ships types for its meta-model (`bpmn-moddle/types`) but none for its entry
 * point; this declares the part of the entry point the parser uses.
 */
declare module 'bpmn-moddle' {
  export interface ModdleImportWarning {
    readonly message: string;
    /** Set for attribute and reference warnings: the element carrying the bad value. */
    readonly element?: unknown;
    readonly property?: string;
    readonly value?: unknown;
    readonly error?: Error;
  }

  export interface ModdleImportResult {
    readonly rootElement: unknown;
    readonly warnings: readonly ModdleImportWarning[];
    readonly elementsById: Readonly<Record<string, unknown>>;
  }

  export class BpmnModdle {
    constructor(packages?: Readonly<Record<string, unknown>>, options?: Readonly<Record<string, unknown>>);
    fromXML(xml: string, typeName?: string): Promise<ModdleImportResult>;
  }
}
