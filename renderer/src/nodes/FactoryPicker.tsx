import type { FactoryInfo } from '../../../shared/api';

/** The engine's factories, each with what it makes and a line on it; one is chosen. */
export function FactoryPicker({
  factories,
  chosen,
  onChoose,
}: {
  factories: FactoryInfo[];
  chosen: string | undefined;
  onChoose(f: FactoryInfo): void;
}) {
  return (
    <fieldset className="factory-picker">
      <legend>Factory</legend>
      {factories.map((f) => (
        <label key={f.name} className={f.name === chosen ? 'chosen' : ''}>
          <input
            type="radio"
            name="factory"
            value={f.name}
            checked={f.name === chosen}
            onChange={() => onChoose(f)}
          />
          <span className="factory-name mono">{f.name}</span>
          <span className="factory-makes">{f.makes}</span>
          <span className="factory-doc muted">{f.description}</span>
        </label>
      ))}
    </fieldset>
  );
}
