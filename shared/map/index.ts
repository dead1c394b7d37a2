export * from './basemap';
export * from './palette';
export * from './style';
export * from './facilities';
