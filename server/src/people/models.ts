export * from './town.model';
export * from './village.model';
export * from './grid.model';
export * from './user.model';
export * from './chat-group.model';
export * from './village-group.model';
export * from './group-code.model';
