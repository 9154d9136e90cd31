import { describe, expect, it } from 'vitest';
import { elementStates, hasDiagramLayout } from './diagram-markers.ts';

const at = '2026-11-22T06:30:00Z';

describe('diagram markers from the activity history', () => {
  it('given a start event passed and a user task waiting, then the start is completed and the task active', () => {
    expect(elementStates([
      { elementId: 'start', endedAt: at, outcome: 'completed' },
      { elementId: 'review', endedAt: null, outcome: null },
    ])).toEqual({ start: 'completed', review: 'active' });
  });

  it('given a task withdrawn by a boundary timer, then it is cancelled', () => {
    expect(elementStates([{ elementId: 'wait', endedAt: at, outcome: 'interrupted' }])).toEqual({ wait: 'cancelled' });
  });

  it('given an element visited twice, once completed and now again, then it is active', () => {
    expect(elementStates([
      { elementId: 'fix', endedAt: at, outcome: 'completed' },
      { elementId: 'fix', endedAt: null, outcome: null },
    ])).toEqual({ fix: 'active' });
  });

  it('given an element completed once and cancelled on a later visit, then it stays completed', () => {
    expect(elementStates([
      { elementId: 'fix', endedAt: at, outcome: 'completed' },
      { elementId: 'fix', endedAt: at, outcome: 'terminated' },
    ])).toEqual({ fix: 'completed' });
  });

  it('given an ended activity without a recorded outcome, then it counts as completed', () => {
    expect(elementStates([{ elementId: 'end', endedAt: at, outcome: null }])).toEqual({ end: 'completed' });
  });
});

describe('whether a definition can be drawn', () => {
  it('given XML with BPMN DI shapes (any prefix), then it has a layout', () => {
    expect(hasDiagramLayout('<bpmndi:BPMNDiagram><bpmndi:BPMNPlane><bpmndi:BPMNShape id="s" bpmnElement="a"/></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>')).toBe(true);
    expect(hasDiagramLayout('<BPMNShape id="s" bpmnElement="a">')).toBe(true);
  });

  it('given XML without DI, or with an empty diagram, then it has none', () => {
    expect(hasDiagramLayout('<definitions><process id="p"><startEvent id="s"/></process></definitions>')).toBe(false);
    expect(hasDiagramLayout('<bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="p"/></bpmndi:BPMNDiagram>')).toBe(false);
  });
});
