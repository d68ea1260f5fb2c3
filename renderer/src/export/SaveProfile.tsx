import { useState } from 'react';
import type { ExportSettings } from '../../../shared/api';
import { EXPORT_PROFILES_DIR } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useApp, useClient } from '../state/app-store';
import { cleanSettings } from './wizard-settings';

/**
 * "Save as profile": the settings as a YAML file in the pond (a write job: one transaction), for
 * `pond export --profile` from cron. Replacing an existing profile needs a second click.
 */
export function SaveProfile({
  pond,
  settings,
  profile,
}: {
  pond: string;
  settings: ExportSettings;
  profile: string | undefined;
}) {
  const client = useClient();
  const [name, setName] = useState(
    profile
      ? profile
          .split('/')
          .pop()!
          .replace(/\.ya?ml$/, '')
      : '',
  );
  const [jobId, setJobId] = useState<string>();
  const job = useApp((s) => (jobId ? s.jobs[jobId] : undefined));
  const [error, setError] = useState<ErrorInfo>();
  const [replace, setReplace] = useState(false);
  const path = `${EXPORT_PROFILES_DIR}/${name.trim()}.yaml`;

  const save = async (overwrite: boolean) => {
    setError(undefined);
    try {
      const started = await client.saveExportProfile({
        pond,
        path,
        settings: cleanSettings(settings),
        overwrite,
      });
      useApp.getState().jobChanged(started);
      setJobId(started.id);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };

  const exists = job?.state === 'failed' && job.error?.code === 'ALREADY_EXISTS';
  return (
    <span className="save-profile">
      <label>
        Save as profile {EXPORT_PROFILES_DIR}/
        <input
          aria-label="Profile name"
          className="mono"
          placeholder="portal"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setJobId(undefined);
            setReplace(false);
          }}
        />
        .yaml
      </label>
      <button
        disabled={!/^[\w.-]+$/.test(name.trim()) || job?.state === 'running'}
        onClick={() => void save(replace || (profile !== undefined && path === profile))}
      >
        {replace ? 'Replace it' : 'Save profile'}
      </button>
      {job?.state === 'done' ? (
        <span role="status" data-testid="profile-saved">
          Saved {path} (transaction {(job.result as { txn?: number }).txn}). Run it with{' '}
          <code>pond export --profile {path}</code>
        </span>
      ) : null}
      {exists && !replace ? (
        <span role="status">
          {path} exists.{' '}
          <button onClick={() => setReplace(true)} aria-label="Replace the existing profile">
            Replace…
          </button>
        </span>
      ) : null}
      {job?.state === 'failed' && !exists && job.error ? (
        <ErrorView error={job.error} title="Cannot save the profile" />
      ) : null}
      {error ? <ErrorView error={error} title="Cannot save the profile" /> : null}
    </span>
  );
}
