import type { FactoryInfo } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';

/** The registry's factories as the app lists them (`pond list-factories`, with their keys). */
export function factoryInfos(registry: FactoryRegistry): FactoryInfo[] {
  return registry.list().map((f) => ({
    name: f.name,
    makes: f.entryType,
    description: f.description,
    keys: f.schema.keys,
    example: f.schema.example,
  }));
}
