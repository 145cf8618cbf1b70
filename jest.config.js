// `npm test` runs every workspace's jest project in one jest run.
export default {
  projects: ['<rootDir>/packages/*', '<rootDir>/apps/*', '<rootDir>/builders/*', '<rootDir>/agent', '<rootDir>/test/*'],
};
