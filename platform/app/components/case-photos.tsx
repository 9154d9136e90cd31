/** A case's photos in two groups, 处置前 (reported) and 处置后 (handling feedback); each opens the file itself. */
import { Empty, Flex, Typography } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { attachmentUrl } from './photo-upload.tsx';

export interface CasePhoto {
  id: string;
  name: string;
  contentType: string;
  stage: 'before' | 'after' | null;
}

const THUMB = 96;

function Thumb({ photo }: { photo: CasePhoto }) {
  const image = photo.contentType.startsWith('image/');
  return (
    <a href={attachmentUrl(photo.id)} target="_blank" rel="noreferrer" title={photo.name} data-testid="case-photo" data-attachment-id={photo.id}>
      {image ? (
        <img src={attachmentUrl(photo.id)} alt={photo.name} width={THUMB} height={THUMB} loading="lazy"
          style={{ objectFit: 'cover', borderRadius: 6, border: '1px solid #f0f0f0', display: 'block' }} />
      ) : (
        <Flex align="center" justify="center" style={{ width: THUMB, height: THUMB, borderRadius: 6, border: '1px solid #f0f0f0', padding: 4, wordBreak: 'break-all', fontSize: 12 }}>
          {photo.name}
        </Flex>
      )}
    </a>
  );
}

export function CasePhotos({ photos }: { photos: readonly CasePhoto[] }) {
  const t = useT();
  if (photos.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui.cases.photos.none')} />;
  const groups = [
    { stage: 'before', label: t('ui.cases.photos.before'), items: photos.filter((p) => p.stage !== 'after') },
    { stage: 'after', label: t('ui.cases.photos.after'), items: photos.filter((p) => p.stage === 'after') },
  ];
  return (
    <Flex vertical gap={12}>
      {groups.map((group) => (
        <div key={group.stage} data-testid={`case-photos-${group.stage}`}>
          <Typography.Text strong>{group.label}</Typography.Text>
          {group.items.length ? (
            <Flex wrap gap={8} style={{ marginTop: 6 }}>{group.items.map((photo) => <Thumb key={photo.id} photo={photo} />)}</Flex>
          ) : <div><Typography.Text type="secondary">{t('ui.cases.photos.noneInGroup')}</Typography.Text></div>}
        </div>
      ))}
    </Flex>
  );
}
