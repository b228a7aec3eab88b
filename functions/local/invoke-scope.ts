/**
 * Per-request isolation for the Powertools utilities behind the local server.
 *
 * On Lambda, one execution environment runs one invocation at a time, so a module-scope Logger or
 * Metrics is per request. The local server runs many requests concurrently in one process, where
 * one request's correlation id or metrics would leak into another's. Powertools 2.36 already scopes
 * its state per invocation when the runtime says invocations are concurrent
 * (`AWS_LAMBDA_MAX_CONCURRENCY` set, an `awslambda.InvokeStore` on `globalThis` — the contract of the
 * Lambda Node runtime for multi-concurrency). We provide exactly that contract, backed by
 * AsyncLocalStorage. @internal
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type InvocationContext = Record<string | symbol, unknown>;

const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
const X_RAY_TRACE_ID = Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID');
const TENANT_ID = Symbol.for('_AWS_LAMBDA_TENANT_ID');

/** The subset of the runtime's InvokeStore that Powertools and the AWS SDK call. */
class LocalInvokeStore {
  readonly local = true;
  readonly #storage = new AsyncLocalStorage<InvocationContext>();

  getContext(): InvocationContext | undefined {
    return this.#storage.getStore();
  }
  hasContext(): boolean {
    return this.#storage.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.#storage.getStore()?.[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    const store = this.#storage.getStore();
    if (!store) throw new Error('No invocation context available');
    store[key] = value;
  }
  run<T>(context: InvocationContext, fn: () => T): T {
    return this.#storage.run(context, fn);
  }
  getRequestId(): string {
    return (this.get<string>(REQUEST_ID) ?? '-') as string;
  }
  getXRayTraceId(): string | undefined {
    return this.get<string>(X_RAY_TRACE_ID);
  }
  getTenantId(): string | undefined {
    return this.get<string>(TENANT_ID);
  }
  getTraceparent(): string | undefined {
    return undefined;
  }
  getTracestate(): string | undefined {
    return undefined;
  }
  getBaggage(): string | undefined {
    return undefined;
  }
}

interface LambdaGlobal {
  awslambda?: { InvokeStore?: unknown };
}

/** Maximum concurrent requests the local server reports to Powertools (informational for it). */
const LOCAL_MAX_CONCURRENCY = '1024';

/**
 * Turns on per-invocation scoping for the process. Idempotent. Only the local server calls it.
 */
export function enableInvocationScopes(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_LAMBDA_MAX_CONCURRENCY ??= LOCAL_MAX_CONCURRENCY;
  const global = globalThis as LambdaGlobal;
  global.awslambda ??= {};
  if (!(global.awslambda.InvokeStore instanceof LocalInvokeStore)) global.awslambda.InvokeStore = new LocalInvokeStore();
}

/** Runs `fn` as one invocation: Powertools state it touches belongs to this request only. */
export function runInInvocation<T>(requestId: string, fn: () => T): T {
  const store = (globalThis as LambdaGlobal).awslambda?.InvokeStore;
  if (!(store instanceof LocalInvokeStore)) return fn();
  return store.run({ [REQUEST_ID]: requestId }, fn);
}
