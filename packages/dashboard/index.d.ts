/** Absolute path of the built assets (index.html and assets/), made by `npm run build` in this package. */
export declare const assetsDir: string;
