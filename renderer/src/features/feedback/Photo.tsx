import { useEffect, useState } from 'react';
import { api } from '../../api';

const cache = new Map<string, Promise<string>>();

/** A photo named by a media ref or URL, loaded through main (local copy first, works offline). */
export function usePhoto(ref: string | null): { src: string | null; error: string | null } {
  const [state, setState] = useState<{ ref: string | null; src: string | null; error: string | null }>({ ref: null, src: null, error: null });
  useEffect(() => {
    if (!ref) return;
    let alive = true;
    if (ref.startsWith('data:image/')) {
      setState({ ref, src: ref, error: null });
      return;
    }
    let p = cache.get(ref);
    if (!p) {
      p = api.feedback.photo({ ref }).then((r) => r.dataUrl);
      cache.set(ref, p);
      p.catch(() => cache.delete(ref));
    }
    p.then(
      (src) => alive && setState({ ref, src, error: null }),
      (e: Error) => alive && setState({ ref, src: null, error: e.message }),
    );
    return () => {
      alive = false;
    };
  }, [ref]);
  return state.ref === ref ? { src: state.src, error: state.error } : { src: null, error: null };
}

export function Photo({ photoRef, alt = '' }: { photoRef: string; alt?: string }) {
  const { src, error } = usePhoto(photoRef);
  if (error) return <span className="fq-photo-missing" title={error}>⚠</span>;
  return src ? <img src={src} alt={alt} /> : <span className="fq-photo-loading" aria-busy="true" />;
}
