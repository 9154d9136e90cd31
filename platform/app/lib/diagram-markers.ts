/**
 * What the instance diagram marks on each element, from the activity history: an element being
 * visited now is active, one visited and left normally is completed, one only ever withdrawn
 * (by a boundary event, a terminate end, an event gateway…) is cancelled. An element visited
 * more than once (a loop) shows its latest meaning: active wins over completed.
 */
export type ElementState = 'active' | 'completed' | 'cancelled';

export interface ActivityLike {
  elementId: string;
  endedAt: string | null;
  outcome: string | null;
}

const RANK: Record<ElementState, number> = { cancelled: 0, completed: 1, active: 2 };

export function elementStates(activities: readonly ActivityLike[]): Record<string, ElementState> {
  const states: Record<string, ElementState> = {};
  for (const activity of activities) {
    const state: ElementState = activity.endedAt === null ? 'active' : activity.outcome === null || activity.outcome === 'completed' ? 'completed' : 'cancelled';
    const previous = states[activity.elementId];
    if (!previous || RANK[state] > RANK[previous]) states[activity.elementId] = state;
  }
  return states;
}

/** The CSS class bpmn-js puts on a marked element (styled in bpmn-diagram.css). */
export const MARKER_CLASS: Record<ElementState, string> = {
  active: 'tg-marker-active',
  completed: 'tg-marker-completed',
  cancelled: 'tg-marker-cancelled',
};

/**
 * Whether the XML carries diagram interchange (BPMN DI, clause 12 of BPMN 2.0): without it
 * there is nothing to draw — models written by hand or by other tools often have none.
 */
export function hasDiagramLayout(xml: string): boolean {
  return /<(?:[\w-]+:)?BPMNShape[\s>/]/.test(xml);
}
