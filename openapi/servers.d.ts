/** `source` (the contract's YAML text) with its `servers` replaced by `servers`; layout kept. */
export declare function withServers(source: string, servers: Array<{ url: string; description?: string }>): string;
