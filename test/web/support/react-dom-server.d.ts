/** The one react-dom/server function the component tests use (react-dom ships no types here). */
declare module 'react-dom/server' {
  import type { ReactElement } from 'react';
  export function renderToStaticMarkup(element: ReactElement): string;
}
