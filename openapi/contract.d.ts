/** openapi.yaml as text (Node only). */
export declare function contractText(): string;
