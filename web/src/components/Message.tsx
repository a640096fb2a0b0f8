import { Alert, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useI18n } from '../i18n.js';

export function Message({
  kind,
  error,
}: {
  kind: 'loading' | 'error' | 'notFound';
  error?: Error;
}) {
  const { t } = useI18n();
  if (kind === 'loading') {
    return (
      <Paragraph role="status" aria-live="polite">
        {t('loading')}
      </Paragraph>
    );
  }
  return (
    <Alert type="error">
      <Paragraph>
        {kind === 'notFound' ? t('notFound') : t('error', { msg: error?.message ?? '' })}
      </Paragraph>
    </Alert>
  );
}
