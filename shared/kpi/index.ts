export * from './catalogue';
export * from './formulas';
export * from './periods';
export * from './units';
