/** Types of electron-binary.mjs (imported by the end-to-end test). */
export declare function findElectronBinary(root: string, env?: NodeJS.ProcessEnv): { found: true; path: string } | { found: false; reason: string };
