import { createContext, useContext } from 'react';

export interface ShellData {
  user: { id: string; username: string; displayName: string; positions: string[] };
  csrfToken: string;
  /** The city's time zone (calendar.workingTime): times are shown and typed in it. */
  timeZone: string;
  /** The basemap's coordinate system (map.basemapCoordinates): maps shift WGS-84 data onto GCJ-02 tiles. */
  mapCoordinates: 'WGS84' | 'GCJ02';
  /** `action:Subject` → allowed; the UI hides what the person may not do (the server still checks). */
  can: Record<string, boolean>;
}

export const ShellContext = createContext<ShellData | null>(null);

export function useShell(): ShellData {
  const value = useContext(ShellContext);
  if (!value) throw new Error('useShell outside the shell layout');
  return value;
}

/** A hidden input carrying the CSRF token; put it in every mutating <Form>. */
export function CsrfInput() {
  return <input type="hidden" name="_csrf" value={useShell().csrfToken} />;
}
