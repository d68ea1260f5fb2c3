import { useEffect, useRef, useState } from 'react';
import type { ColumnProfile } from '../../../shared/api';
import { ErrorCode, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { queryTag } from '../query/query-tag';
import { useClient } from '../state/app-store';
import type { PreviewSpec } from './PreviewGrid';

export type ProfileState = ColumnProfile | 'loading' | { error: ErrorInfo };

const NONE = new Map<string, ProfileState>();

/**
 * Column profiles of the grid's whole result, asked for lazily: only the columns in view, once
 * each, in one call per scroll pause. A call still running when the result changes (or the
 * grid goes) is cancelled in the engine.
 */
export function useProfiles(
  spec: PreviewSpec,
  enabled: boolean,
  visible: string[],
): Map<string, ProfileState> {
  const client = useClient();
  const specKey = JSON.stringify([spec.pond, spec.path, spec.sql ?? '', spec.asOf ?? null]);
  // Profiles belong to one result: another one starts empty, and late answers for the old one
  // are dropped.
  const [store, setStore] = useState(() => ({ key: specKey, map: NONE }));
  const states = store.key === specKey ? store.map : NONE;
  const running = useRef(new Set<string>());
  useEffect(() => {
    const tags = running.current;
    return () => {
      for (const id of tags) void client.cancelQuery(id).catch(() => undefined);
      tags.clear();
    };
  }, [client, specKey]);

  const wanted = enabled ? visible.filter((c) => !states.has(c)).join('\n') : '';
  useEffect(() => {
    if (!wanted) return;
    const columns = wanted.split('\n');
    const t = setTimeout(() => {
      const tag = queryTag('profile');
      running.current.add(tag.id);
      const update = (f: (m: Map<string, ProfileState>) => Map<string, ProfileState>) =>
        setStore((s) =>
          s.key === specKey || s.map === NONE
            ? { key: specKey, map: f(s.key === specKey ? s.map : NONE) }
            : s,
        );
      update((m) => new Map([...m, ...columns.map((c) => [c, 'loading'] as const)]));
      client
        .profile({
          pond: spec.pond,
          path: spec.path,
          columns,
          query: tag,
          ...(spec.sql ? { sql: spec.sql } : {}),
          ...(spec.asOf === undefined ? {} : { asOf: spec.asOf }),
        })
        .then(
          (profiles) =>
            update((m) => new Map([...m, ...profiles.map((p) => [p.name, p] as const)])),
          (e: unknown) => {
            const error = toErrorInfo(e);
            update((m) => {
              const next = new Map(m);
              // A cancelled profile is asked for again when its column is next in view.
              for (const c of columns)
                if (error.code === ErrorCode.Cancelled) next.delete(c);
                else next.set(c, { error });
              return next;
            });
          },
        )
        .finally(() => running.current.delete(tag.id));
    }, 150);
    return () => clearTimeout(t);
  }, [client, specKey, wanted]);
  return states;
}
