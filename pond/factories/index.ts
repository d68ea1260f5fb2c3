import { FactoryRegistry } from './registry.js';

/** The registry of every factory (each factory lives in its own file and is registered here). */
export function defaultRegistry(): FactoryRegistry {
  return new FactoryRegistry();
}
