import { seedDemo, type SeedReport } from './people/seed';
import { seedDemoResources, type ResourcesSeedReport } from './shelters/seed';

/** The whole sample town: people and places first, then shelters, hazard points, teams and equipment. */
export async function seedDemoTown(): Promise<{ people: SeedReport; resources: ResourcesSeedReport }> {
  const people = await seedDemo();
  const resources = await seedDemoResources();
  return { people, resources };
}
