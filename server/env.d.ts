// Vite features the server build and vitest both understand: migrations and seed data are bundled
// as strings, so out/server runs from any folder without copying SQL or data files next to it.
declare module '*?raw' {
  const text: string;
  export default text;
}

interface ImportMeta {
  glob<T = unknown>(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, T>;
}
