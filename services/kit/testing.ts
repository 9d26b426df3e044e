/**
 * Test support for services built with the kit (`@tenant-deletion/kit/testing`): fault knobs that make a
 * healthy service look slow, overloaded, broken or crashing. Kept out of the main entry so a production
 * service runs without them unless it passes a FaultInjector in KitOptions.faults.
 */
export {
  FaultInjector,
  faultSettingsSchema,
  type FaultSettings,
  type FaultSettingsInput,
  type InjectedFailure,
} from './faults';
