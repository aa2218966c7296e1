export declare const FIXED_PATHS: string[];
export declare const PATH_NAMES: string[];
export declare const INSTALL_HINT: string;
export declare function findBrowser(opts?: { env?: Record<string, string | undefined>; fixed?: string[] }): { path: string; error?: undefined } | { error: string; path?: undefined };
