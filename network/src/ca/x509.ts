// @peculiar/x509 2.x registers its algorithm providers with tsyringe, which throws at load time unless the
// Reflect metadata API exists. Import @peculiar/x509 only through this module so the polyfill always comes first.
import 'reflect-metadata';

export * from '@peculiar/x509';
