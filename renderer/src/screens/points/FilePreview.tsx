/**
 * A preview of one file of a recovery point (`points.preview`): text in a monospace block, an
 * image as a `data:` URL (the CSP's img-src allows `data:`; nothing is written anywhere), anything
 * else "no preview". Text starts with the first 64 KB ("Show more" reads up to 1 MB); an image
 * larger than the first answer is asked for again at 1 MB, so most photos show whole.
 */
import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { formatBytes } from '../../format/format.js';

export const FIRST_PREVIEW_BYTES = 64 * 1024;
export const MAX_PREVIEW_BYTES = 1024 * 1024;

/** Keyed by point and path where used, so another file starts again at the first 64 KB. */
export function FilePreview({ vault, pointId, path }: { vault: string; pointId: string; path: string }) {
  const [maxBytes, setMaxBytes] = useState(FIRST_PREVIEW_BYTES);
  const preview = useApi('points.preview', { vault, point: pointId, path, maxBytes });
  const p = preview.data;
  const wantsMore = p?.kind === 'image' && p.truncated && maxBytes < MAX_PREVIEW_BYTES;
  useEffect(() => {
    if (wantsMore) setMaxBytes(MAX_PREVIEW_BYTES);
  }, [wantsMore]);
  const name = path.split(/[\\/]/).pop() ?? path;

  if (preview.error) return <ErrorNote error={preview.error} title="No preview" />;
  if (!p || wantsMore) return <Loading what="the preview" />;
  return (
    <div className="file-preview">
      <p className="muted small">
        {p.mime} · {formatBytes(p.size)}
        {p.truncated && p.kind !== 'binary' && ` · showing the first ${formatBytes(p.bytesRead)}`}
        {preview.loading && ' · loading…'}
      </p>
      {p.kind === 'text' && (
        <>
          <pre className="preview-text" tabIndex={0} aria-label={`Preview of ${name}`}>
            {p.text}
          </pre>
          {p.truncated && maxBytes < MAX_PREVIEW_BYTES && (
            <Button className="button button-small" onPress={() => setMaxBytes(MAX_PREVIEW_BYTES)}>
              Show more (up to {formatBytes(MAX_PREVIEW_BYTES)})
            </Button>
          )}
        </>
      )}
      {p.kind === 'image' && p.base64 !== null && <ImagePreview key={`${pointId}\0${path}`} src={`data:${p.mime};base64,${p.base64}`} alt={`Preview of ${name}`} partial={p.truncated} />}
      {p.kind === 'binary' && <Empty>No preview for this kind of file. Restore it to open it.</Empty>}
    </div>
  );
}

function ImagePreview({ src, alt, partial }: { src: string; alt: string; partial: boolean }) {
  const [broken, setBroken] = useState(false);
  if (broken) return <Empty>{partial ? 'This image is too large to preview. Restore it to open it.' : 'This image cannot be shown. Restore it to open it.'}</Empty>;
  return (
    <figure className="preview-image">
      <img src={src} alt={alt} onError={() => setBroken(true)} />
      {partial && <figcaption className="muted small">Only the start of this large image was read: it may look cut off.</figcaption>}
    </figure>
  );
}
