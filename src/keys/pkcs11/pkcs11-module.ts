// Loading a PKCS#11 module through the optional pkcs11js binding, once per
// module path per process, and turning Cryptoki failures into UsageErrors a
// user can act on. The binding is imported only here, only when a token key
// is used, so signet runs without it for everyone else.

import { promises as fs } from 'node:fs';
import { UsageError } from '../../errors.js';

export type Pkcs11Binding = typeof import('pkcs11js');
export type Pkcs11 = InstanceType<Pkcs11Binding['PKCS11']>;

const BINDING_PACKAGE: string = 'pkcs11js';

/** The exact version signet is tested with (package.json optionalDependencies). */
export const PKCS11JS_VERSION = '2.1.7';

export interface LoadedModule {
  path: string;
  binding: Pkcs11Binding;
  lib: Pkcs11;
}

const modules = new Map<string, Promise<LoadedModule>>();

let bindingPromise: Promise<Pkcs11Binding> | undefined;

/** The pkcs11js binding, or a UsageError saying how to install it. */
export function loadBinding(): Promise<Pkcs11Binding> {
  bindingPromise ??= importBinding(BINDING_PACKAGE).catch((error: unknown) => {
    bindingPromise = undefined;
    throw error;
  });
  return bindingPromise;
}

/**
 * Import the binding package `specifier`. A computed specifier: no bundler
 * (scripts/build.mjs, test bundles, a single executable) tries to inline a
 * native addon; it is resolved from node_modules at run time, or reported
 * missing with the install command.
 */
export async function importBinding(specifier: string): Promise<Pkcs11Binding> {
  try {
    // The CLI runs as a CommonJS bundle through node:vm (src/cli/code-cache.ts), where import() of a
    // computed specifier has no loader: require() it there (pkcs11js is CommonJS), import() elsewhere.
    const m = (typeof require === 'function' ? require(specifier) : await import(specifier)) as { default?: Pkcs11Binding };
    return (m.default ?? m) as Pkcs11Binding;
  } catch (cause) {
    throw new UsageError(
      'pkcs11-binding-missing',
      `PKCS#11 keys need the optional npm package pkcs11js, which is not installed or did not build: run \`npm install --save-exact pkcs11js@${PKCS11JS_VERSION}\` where signet is installed (it builds with node-gyp: python3, make and g++)`,
      { cause },
    );
  }
}

/** Load and initialise the module at `path` (once per process). */
export function openModule(path: string): Promise<LoadedModule> {
  let pending = modules.get(path);
  if (!pending) {
    pending = load(path);
    modules.set(path, pending);
    pending.catch(() => modules.delete(path));
  }
  return pending;
}

async function load(path: string): Promise<LoadedModule> {
  const stat = await fs.stat(path).catch(() => undefined);
  if (!stat || !stat.isFile()) {
    throw new UsageError('pkcs11-module-missing', `no PKCS#11 module at ${path}: install the token's module (for SoftHSM: \`apt-get install softhsm2\`) or fix module-path in the key's URI`);
  }
  const binding = await loadBinding();
  const lib = new binding.PKCS11();
  try {
    lib.load(path);
  } catch (cause) {
    throw new UsageError('pkcs11-not-a-module', `${path} is not a PKCS#11 library (it could not be loaded or has no C_GetFunctionList); point module-path at the token vendor's PKCS#11 module`, { cause });
  }
  try {
    lib.C_Initialize();
  } catch (cause) {
    if (codeOf(cause) !== binding.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new UsageError('pkcs11-init-failed', `the PKCS#11 module ${path} failed to initialise (${nameOf(cause)}); check the token's configuration`, { cause });
    }
  }
  return { path, binding, lib };
}

/** Finalize every module this process opened (sessions close with it). Never throws. */
export async function closeModules(): Promise<void> {
  const all = [...modules.values()];
  modules.clear();
  for (const pending of all) {
    try {
      const { lib } = await pending;
      lib.C_Finalize();
    } catch {
      // a module that failed to load or is already finalized has nothing to close
    }
  }
}

/** The CKR_ value of a Pkcs11Error, or undefined. */
export function codeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : undefined;
}

/** The CKR_ name of a Pkcs11Error (its message starts with it), for messages. */
export function nameOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^(CKR_[A-Z_]+)/.exec(message)?.[1] ?? message.split('\n')[0]!.slice(0, 120);
}
