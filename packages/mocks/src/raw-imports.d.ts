// Vite's `?raw` imports (the file's text), used by the browser entry (src/browser.ts).
declare module '*?raw' {
  const text: string;
  export default text;
}
