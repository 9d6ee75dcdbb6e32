/**
 * The width of an element, following resizes where ResizeObserver exists (a fixed fallback
 * elsewhere, e.g. jsdom). Charts take an explicit width instead of measuring themselves.
 */
import { useEffect, useRef, useState } from 'react';

export function useWidth<T extends HTMLElement>(fallback = 640): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => el.clientWidth > 0 && setWidth(el.clientWidth);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
