export * from './basemap';
export * from './palette';
export * from './style';
