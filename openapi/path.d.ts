export declare const specPath: string;
