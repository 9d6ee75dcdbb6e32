/**
 * Light, dark or the system's choice (prefers-color-scheme). The choice is a `data-theme`
 * attribute on <html> (set through the DOM, which the CSP allows) and is remembered locally.
 */
import { useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'deskvault.theme';

function stored(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function useTheme(): [ThemeChoice, (t: ThemeChoice) => void] {
  const [theme, setTheme] = useState<ThemeChoice>(stored);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      window.localStorage.setItem(KEY, theme);
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
  }, [theme]);
  return [theme, setTheme];
}
