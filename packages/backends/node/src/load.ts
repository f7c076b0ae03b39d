import * as tf from '@tensorflow/tfjs-core';

/** What {@link loadNativeBackend} needs to know about one native tfjs package. */
export interface NativePackage {
  /** npm name, e.g. `@tensorflow/tfjs-node`. */
  readonly packageName: string;
  /** The gflownet package asking, for messages. */
  readonly requiredBy: string;
  /** Loads the package (default: a dynamic `import` of {@link NativePackage.packageName}). */
  readonly load?: () => Promise<unknown>;
}

/**
 * True when `error` says that a module could not be found: Node's ESM and CommonJS codes, and the resolver
 * of Vite/Vitest, which reports a declared but absent peer as `Could not resolve "…"`.
 */
export function isModuleNotFound(error: unknown, packageName: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve|Failed to resolve/.test(message)) && message.includes(packageName);
}

/**
 * Imports a native tfjs package (which registers the `tensorflow` backend as a side effect) and
 * checks that it registered it with this process's copy of `@tensorflow/tfjs-core`. A missing
 * package gets an error that says exactly what to install.
 */
export async function loadNativeBackend(pkg: NativePackage): Promise<void> {
  // A computed specifier keeps bundlers and type checkers from requiring the optional package.
  const specifier = pkg.packageName;
  try {
    await (pkg.load ? pkg.load() : import(specifier));
  } catch (error) {
    if (isModuleNotFound(error, pkg.packageName)) {
      throw new Error(
        `${pkg.requiredBy} needs ${pkg.packageName}, which is not installed. Install it next to your app: npm install ${pkg.packageName}`,
        { cause: error },
      );
    }
    throw new Error(`${pkg.requiredBy}: ${pkg.packageName} is installed but failed to load (its native library may be missing: reinstall it, or see its README): ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  if (!tf.engine().registryFactory.tensorflow) {
    throw new Error(
      `${pkg.requiredBy}: ${pkg.packageName} loaded but registered its "tensorflow" backend with another copy of @tensorflow/tfjs-core; install one version of @tensorflow/tfjs-core (check with npm ls @tensorflow/tfjs-core)`,
    );
  }
}

/**
 * Whether a native tfjs package can be loaded here, with the reason when it cannot (for skipping
 * tests). Loading it registers its backend.
 */
export async function probeNativeBackend(pkg: NativePackage): Promise<{ available: true } | { available: false; reason: string }> {
  try {
    await loadNativeBackend(pkg);
    return { available: true };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}
