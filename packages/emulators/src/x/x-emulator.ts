import { mergeFaults } from '../kit/kit-faults';
import { createServer } from 'node:http';
import { closeServer, listen } from '../http/serve';
import { dispatch } from './x-dispatch';
import { XState } from './x-state';
import {
  type XAccount,
  type XEmulatedPost,
  type XEmulatorSettings,
  type XFaults,
  type XPublicMetrics,
  type XStats,
} from './x-types';

/** Where and how to run the emulator. */
export interface XEmulatorOptions extends Partial<XEmulatorSettings> {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** A running X API v2 emulator; the methods act on the same state as the `/__emulator/*` endpoints. */
export interface XEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it as the connector's `baseUrl`. */
  readonly url: string;
  close(): Promise<void>;
  addAccount(account: XAccount): void;
  /** Merges into the active faults. */
  setFaults(faults: XFaults): void;
  clearFaults(): void;
  configure(settings: Partial<XEmulatorSettings>): void;
  readonly settings: XEmulatorSettings;
  /** False when the post is unknown. */
  setMetrics(tweetId: string, metrics: Partial<XPublicMetrics>): boolean;
  posts(userId?: string): XEmulatedPost[];
  stats(): XStats;
  /** Every access and refresh token the OAuth endpoints issued and still honour (tests look for them in dumps). */
  issuedTokens(): string[];
  /** Back to the state at start (posts, media, windows, faults, stats, settings); accounts too when `accounts`. */
  reset(accounts?: boolean): void;
}

/** Starts an in-memory X API v2 emulator over HTTP. */
export async function startXEmulator(options: XEmulatorOptions = {}): Promise<XEmulator> {
  const { port = 0, host = '127.0.0.1', ...settings } = options;
  const state = new XState(settings);
  const server = createServer((req, res) => {
    dispatch(state, req, res).catch(() => res.destroy());
  });
  // Outlive the client's idle keep-alive so a reused socket is never closed under a request.
  server.keepAliveTimeout = 10_000;
  const url = await listen(server, port, host);

  return {
    url,
    close: () => closeServer(server),
    addAccount: (account) => state.addAccount(account),
    setFaults: (faults) => {
      state.faults = mergeFaults(state.faults, faults);
    },
    clearFaults: () => {
      state.faults = {};
    },
    configure: (changes) => {
      state.settings = { ...state.settings, ...changes };
    },
    get settings() {
      return { ...state.settings };
    },
    setMetrics: (tweetId, metrics) => state.setMetrics(tweetId, metrics),
    posts: (userId) => state.posts(userId),
    stats: () => structuredClone(state.stats),
    issuedTokens: () => [...state.tokenExpiry.keys(), ...state.refreshTokens.keys()],
    reset: (accounts) => state.reset(accounts),
  };
}
