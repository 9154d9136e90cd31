/**
 * Photos for a case (处置前 when reporting, 处置后 when handling): each file is uploaded as soon
 * as it is chosen (POST /api/v1/attachments with the session cookie and the CSRF header) and
 * the form keeps only the returned ids, which the case or the task completion then links. On
 * phones the picker opens the rear camera. Works as an antd Form field (value / onChange).
 *
 * @example
 * <Form.Item name="attachmentIds" label="照片"><PhotoUpload /></Form.Item>
 * <PhotoUpload value={ids} onChange={setIds} onUploadingChange={setBusy} />
 */
import { useEffect, useRef, useState } from 'react';
import { App, Grid as AntGrid, Upload, type UploadFile, type UploadProps } from 'antd';
import { useLocale, useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';

/** What the server takes as a photo (it checks the bytes too, see attachments.server.ts). */
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_BYTES = 10 * 1024 * 1024;

export const attachmentUrl = (id: string) => `/api/v1/attachments/${encodeURIComponent(id)}`;

interface Props {
  value?: string[];
  onChange?: (ids: string[]) => void;
  /** At most this many photos (the case API takes 20). */
  max?: number;
  /** True while any file is still uploading: a form should wait before it submits the ids. */
  onUploadingChange?: (uploading: boolean) => void;
}

interface Uploaded {
  id: string;
}

class UploadFailed extends Error {}

/** Uploads one file; a refusal or a lost connection becomes an UploadFailed carrying the reason to show. */
async function upload(file: File, csrfToken: string, locale: string, offline: string): Promise<Uploaded> {
  let res: Response;
  try {
    res = await fetch('/api/v1/attachments', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': file.type, 'x-file-name': encodeURIComponent(file.name), 'x-csrf-token': csrfToken, 'accept-language': locale },
      body: file,
    });
  } catch (error) {
    // fetch rejects only when no answer came (offline, connection dropped).
    if (error instanceof TypeError) throw new UploadFailed(offline);
    throw error;
  }
  // A proxy in front of us may answer an error with HTML: then the status is all there is to say.
  const json = res.headers.get('content-type')?.includes('application/json') ?? false;
  const body = (json ? await res.json() : {}) as { id?: unknown; error?: { message?: unknown } };
  if (!res.ok || typeof body.id !== 'string') throw new UploadFailed(typeof body.error?.message === 'string' ? body.error.message : `HTTP ${res.status}`);
  return { id: body.id };
}

export function PhotoUpload({ value = [], onChange, max = 9, onUploadingChange }: Props) {
  const t = useT();
  const locale = useLocale();
  const { csrfToken } = useShell();
  const { message } = App.useApp();
  const phone = !AntGrid.useBreakpoint().md;
  const [pending, setPending] = useState<UploadFile[]>([]);
  // Several uploads finish one after another before the parent re-renders: add to the latest ids.
  const latest = useRef(value);
  latest.current = value;
  const names = useRef(new Map<string, string>());

  const uploading = pending.length > 0;
  useEffect(() => {
    onUploadingChange?.(uploading);
  }, [uploading, onUploadingChange]);

  const beforeUpload: UploadProps['beforeUpload'] = (file, batch) => {
    if (!PHOTO_TYPES.includes(file.type)) {
      void message.error(t('ui.cases.photos.badType', { name: file.name }));
      return Upload.LIST_IGNORE;
    }
    if (file.size > MAX_BYTES) {
      void message.error(t('ui.cases.photos.tooLarge', { name: file.name, mb: MAX_BYTES / 1024 / 1024 }));
      return Upload.LIST_IGNORE;
    }
    if (latest.current.length + pending.length + batch.indexOf(file) >= max) {
      void message.error(t('ui.cases.photos.tooMany', { max }));
      return Upload.LIST_IGNORE;
    }
    return true;
  };

  const customRequest: UploadProps['customRequest'] = ({ file }) => {
    const photo = file as File & { uid: string };
    setPending((list) => [...list, { uid: photo.uid, name: photo.name, status: 'uploading' }]);
    upload(photo, csrfToken, locale, t('ui.cases.photos.offline')).then(({ id }) => {
      names.current.set(id, photo.name);
      latest.current = [...latest.current, id];
      onChange?.(latest.current);
    }, (error: unknown) => {
      if (!(error instanceof UploadFailed)) throw error;
      void message.error(t('ui.cases.photos.failed', { name: photo.name, reason: error.message }));
    }).finally(() => setPending((list) => list.filter((f) => f.uid !== photo.uid)));
  };

  const fileList: UploadFile[] = [
    ...value.map((id): UploadFile => ({ uid: id, name: names.current.get(id) ?? id, status: 'done', url: attachmentUrl(id), thumbUrl: attachmentUrl(id) })),
    ...pending,
  ];

  return (
    <div data-testid="photo-upload">
      <Upload
        listType="picture-card"
        accept="image/*"
        capture={phone ? 'environment' : undefined}
        multiple
        fileList={fileList}
        beforeUpload={beforeUpload}
        customRequest={customRequest}
        onRemove={(file) => {
          latest.current = latest.current.filter((id) => id !== file.uid);
          onChange?.(latest.current);
          return false;
        }}
      >
        {fileList.length < max ? <div>+<div style={{ marginTop: 4 }}>{t('ui.cases.photos.add')}</div></div> : null}
      </Upload>
    </div>
  );
}
