import type { ExportPlan, ExportSettings } from '../../../shared/api';
import { CopyCommand } from './CopyCommand';
import { SaveProfile } from './SaveProfile';

/** Step 3, the dry run: what each target gets, what is replaced or removed, and warnings. */
export function PlanView({
  pond,
  plan,
  settings,
  profile,
}: {
  pond: string;
  plan: ExportPlan;
  settings: ExportSettings;
  profile: string | undefined;
}) {
  const range =
    plan.start || plan.end ? ` from ${plan.start ?? 'the start'} to ${plan.end ?? 'the end'}` : '';
  return (
    <div className="wizard-step plan" aria-label="Dry run">
      <p data-testid="plan-totals">
        Dry run, nothing written: {plan.totals.targets} targets, {plan.totals.files} files,{' '}
        {plan.totals.rows.toLocaleString('en-US')} rows{range}, as {plan.format}, from transaction{' '}
        {plan.txn} into <span className="mono">{plan.dir}</span>
      </p>
      {plan.warnings.map((w) => (
        <p key={w} className="note" role="note">
          ⚠ {w}
        </p>
      ))}
      <table className="simple" aria-label="Planned targets">
        <thead>
          <tr>
            <th>Target</th>
            <th>Captures</th>
            <th>Files</th>
            <th>Rows</th>
            <th>First … last (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {plan.targets.map((t) => {
            const first = t.files.find((f) => f.first)?.first;
            const last = [...t.files].reverse().find((f) => f.last)?.last;
            return (
              <tr key={t.source} data-source={t.source}>
                <td className="mono">{t.source}</td>
                <td className="mono">{t.captures.join(' / ') || '—'}</td>
                <td data-testid="target-files">{t.files.length}</td>
                <td data-testid="target-rows">
                  {t.kind === 'data' ? 'bytes as they are' : t.rows}
                </td>
                <td>{first ? `${first} … ${last}` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary>Partitions ({plan.totals.files})</summary>
        <table className="simple" aria-label="Planned files">
          <thead>
            <tr>
              <th>File</th>
              <th>Period (UTC)</th>
              <th>Rows</th>
            </tr>
          </thead>
          <tbody>
            {plan.targets
              .flatMap((t) => t.files)
              .slice(0, 2000)
              .map((f) => (
                <tr key={f.path}>
                  <td className="mono">{f.path}</td>
                  <td>{f.start ? `${f.start} … ${f.end}` : ''}</td>
                  <td>{f.rows}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
      <FileList label="Replaced" files={plan.replaced} total={plan.replacedTotal} />
      <FileList
        label="Removed (not written again)"
        files={plan.removed}
        total={plan.removedTotal}
      />
      <div className="actions">
        <CopyCommand command={plan.command} />
        <SaveProfile pond={pond} settings={settings} profile={profile} />
      </div>
    </div>
  );
}

function FileList({ label, files, total }: { label: string; files: string[]; total: number }) {
  if (total === 0) return null;
  return (
    <details>
      <summary>
        {label}: {total} existing file{total === 1 ? '' : 's'}
      </summary>
      <ul className="mono">
        {files.map((f) => (
          <li key={f}>{f}</li>
        ))}
        {total > files.length ? <li>… and {total - files.length} more</li> : null}
      </ul>
    </details>
  );
}
