import { useEffect, useRef, useState } from 'react';
import { useFocusTrap } from '../common/use-focus-trap';
import './export.css';
import type { ExportPlan, ExportSettings } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useApp, useAsOfTxn, useClient } from '../state/app-store';
import { useExport, type WizardStart } from './export-store';
import { OptionsStep } from './OptionsStep';
import { PatternsStep } from './PatternsStep';
import { PlanView } from './PlanView';
import { RunView } from './RunView';
import { cleanSettings, emptySettings } from './wizard-settings';

type Step = 'what' | 'how' | 'plan' | 'run';
const STEPS: { step: Step; label: string }[] = [
  { step: 'what', label: '1 What' },
  { step: 'how', label: '2 How and where' },
  { step: 'plan', label: '3 Dry run' },
  { step: 'run', label: '4 Run' },
];

/**
 * The export wizard (DESIGN §6): patterns with their live matches, time parts, time range,
 * format, template, output folder; a dry run (the engine's `pond export --dry-run`); the run as
 * a job with progress and Cancel; a summary with the files written, Open folder or Download,
 * Copy as command and Save as profile.
 */
export function ExportWizard({ pond, start }: { pond: string; start: WizardStart }) {
  const client = useClient();
  const asOf = useAsOfTxn();
  const close = useExport((s) => s.closeWizard);
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box);
  const jobs = useApp((s) => s.jobs);
  const [step, setStep] = useState<Step>('what');
  const [settings, setSettings] = useState<ExportSettings>(() => ({
    ...emptySettings(),
    ...start.settings,
  }));
  const [profile, setProfile] = useState(start.profile);
  const [plan, setPlan] = useState<ExportPlan>();
  const [planning, setPlanning] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const [jobId, setJobId] = useState<string>();
  const running = jobId !== undefined && jobs[jobId]?.state === 'running';
  const at = asOf === undefined ? {} : { asOf };

  useEffect(() => {
    const path = start.loadProfile;
    if (!path) return;
    client
      .exportProfiles({ pond })
      .then((all) => {
        const p = all.find((x) => x.path === path);
        if (p?.settings) {
          setProfile(path);
          setSettings({ ...emptySettings(), ...p.settings });
        } else setError(p?.error ?? { code: 'NOT_FOUND', message: `no export profile ${path}` });
      })
      .catch((e: unknown) => setError(toErrorInfo(e)));
  }, [client, pond, start.loadProfile]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !running) close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close, running]);

  const change = (s: ExportSettings) => {
    setSettings(s);
    setPlan(undefined);
  };

  const dryRun = async () => {
    setStep('plan');
    setPlanning(true);
    setError(undefined);
    setPlan(undefined);
    try {
      setPlan(await client.exportPlan({ pond, settings: cleanSettings(settings), ...at }));
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setPlanning(false);
    }
  };

  const run = async () => {
    setError(undefined);
    try {
      const job = await client.exportRun({ pond, settings: cleanSettings(settings), ...at });
      useApp.getState().jobChanged(job);
      setJobId(job.id);
      setStep('run');
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };

  const ready = cleanSettings(settings).patterns.length > 0 && settings.dir.trim() !== '';
  return (
    <div className="dialog-backdrop">
      <div
        ref={box}
        tabIndex={-1}
        className="dialog export-wizard"
        role="dialog"
        aria-modal="true"
        aria-label="Export"
      >
        <header className="dialog-head">
          <h2>Export{profile ? ` — ${profile}` : ''}</h2>
          <ol className="steps" aria-label="Steps">
            {STEPS.map((s) => (
              <li key={s.step} aria-current={s.step === step ? 'step' : undefined}>
                {s.label}
              </li>
            ))}
          </ol>
          <button aria-label="Close the export wizard" disabled={running} onClick={close}>
            ✕
          </button>
        </header>
        <div className="dialog-body">
          {asOf !== undefined ? (
            <p className="note">Exporting the pond as of transaction {asOf}.</p>
          ) : null}
          {step === 'what' ? (
            <PatternsStep
              pond={pond}
              settings={settings}
              onChange={change}
              onProfile={(path, s) => {
                setProfile(path);
                change({ ...emptySettings(), ...s });
              }}
            />
          ) : step === 'how' ? (
            <OptionsStep pond={pond} settings={settings} onChange={change} />
          ) : step === 'plan' ? (
            planning ? (
              <p className="muted" aria-busy="true">
                Dry run: counting the rows of every partition…
              </p>
            ) : plan ? (
              <PlanView pond={pond} plan={plan} settings={settings} profile={profile} />
            ) : null
          ) : jobId ? (
            <RunView pond={pond} jobId={jobId} settings={settings} profile={profile} />
          ) : null}
          {error ? <ErrorView error={error} title="The export cannot run" /> : null}
        </div>
        <footer className="dialog-foot">
          {step === 'what' ? (
            <button
              className="primary"
              disabled={cleanSettings(settings).patterns.length === 0}
              onClick={() => setStep('how')}
            >
              Next
            </button>
          ) : null}
          {step === 'how' ? (
            <>
              <button onClick={() => setStep('what')}>Back</button>
              <button className="primary" disabled={!ready} onClick={() => void dryRun()}>
                Dry run
              </button>
            </>
          ) : null}
          {step === 'plan' ? (
            <>
              <button onClick={() => setStep('how')}>Back</button>
              <button className="primary" disabled={!plan} onClick={() => void run()}>
                Run export
              </button>
            </>
          ) : null}
          {step === 'run' && !running ? (
            <>
              <button
                onClick={() => {
                  setJobId(undefined);
                  setStep('how');
                }}
              >
                Back
              </button>
              <button className="primary" onClick={close}>
                Done
              </button>
            </>
          ) : null}
        </footer>
      </div>
    </div>
  );
}
