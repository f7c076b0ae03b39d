import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnvironmentExperiment } from '@gflownet/core';
import { isEnvironmentExperiment, SettingsError } from '@gflownet/core';
import { dagExperiment } from '@gflownet/env-dag/experiment';
import { fragmentsExperiment } from '@gflownet/env-fragments/experiment';
import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';

/** The environments every experiment knows by name. Others come from modules (`env.module`). */
export const BUILT_IN_ENVIRONMENTS: readonly EnvironmentExperiment[] = [
  hypergridExperiment as EnvironmentExperiment,
  dagExperiment as EnvironmentExperiment,
  fragmentsExperiment as EnvironmentExperiment,
];

/** Imports a module given as a path (relative to the working directory) or a package name. */
async function importModule(specifier: string, what: string): Promise<Record<string, unknown>> {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || /\.[cm]?[jt]s$/.test(specifier);
  const target = looksLikePath ? pathToFileURL(resolve(specifier)).href : specifier;
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (err) {
    throw new SettingsError(`${what} ${specifier} could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * The environment entry a module exports: its `experiment` export, its default export, or its only
 * export that is an entry.
 */
export async function loadEnvironmentModule(specifier: string): Promise<EnvironmentExperiment> {
  const mod = await importModule(specifier, 'environment module');
  const candidates = [mod.experiment, mod.default, ...Object.values(mod)].filter(isEnvironmentExperiment);
  const entry = candidates[0];
  if (!entry) throw new SettingsError(`environment module ${specifier} exports no environment entry (an object with name, settings and build; export it as "experiment")`);
  return entry;
}

/** The reward function a module exports: its `reward` export or its default export. */
export async function loadRewardModule(specifier: string): Promise<(x: never) => number | Promise<number>> {
  const mod = await importModule(specifier, 'reward module');
  const fn = typeof mod.reward === 'function' ? mod.reward : mod.default;
  if (typeof fn !== 'function') throw new SettingsError(`reward module ${specifier} exports no reward function (export it as "reward" or as the default export)`);
  return fn as (x: never) => number | Promise<number>;
}

/** The entry of a config's environment: built in by name, or loaded from `module`. */
export async function environmentEntry(env: { readonly name?: string | undefined; readonly module?: string | undefined }): Promise<EnvironmentExperiment> {
  if (env.module !== undefined) {
    const entry = await loadEnvironmentModule(env.module);
    if (env.name !== undefined && env.name !== entry.name) {
      throw new SettingsError(`environment module ${env.module} provides "${entry.name}", not "${env.name}"`);
    }
    return entry;
  }
  const name = env.name ?? 'hypergrid';
  const entry = BUILT_IN_ENVIRONMENTS.find((e) => e.name === name);
  if (!entry) {
    throw new SettingsError(`unknown environment "${name}" (built in: ${BUILT_IN_ENVIRONMENTS.map((e) => e.name).join(', ')}; others load with an environment module)`);
  }
  return entry;
}
