/** Citizen feedback (phản ánh kiến nghị, PAKN): workflow, working calendar, SLA, duplicates, search. */
export * from './calendar';
export * from './categories';
export * from './duplicates';
export * from './search';
export * from './sla';
export * from './workflow';
