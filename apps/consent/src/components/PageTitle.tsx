import { type ReactNode, useEffect, useRef } from 'react';
import { hasNavigatedInApp } from '../navigation.ts';

/**
 * The page's h1, also the document title. After an in-app navigation focus would be left on <body>: move it
 * to the heading so screen readers announce the new page and Tab continues from the top.
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ReminderIt`;
    const focusLost = !document.activeElement || document.activeElement === document.body;
    if (hasNavigatedInApp() && focusLost) ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
