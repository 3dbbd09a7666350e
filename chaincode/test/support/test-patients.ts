import { randomBytes, randomInt } from 'node:crypto';
import type { PatientDemographics } from '../../src/domain/emr';

const GIVEN = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hiroshi', 'Ines', 'Jonas'];
const FAMILY = ['Quillfeather', 'Marchetti', 'Okonkwo', 'Lindqvist', 'Abernathy', 'Vasquez', 'Nakamura'];

/**
 * A fictitious patient whose every field is unique to this run (so a privacy scan cannot hit an unrelated byte
 * sequence): a national-health-number-like id, a name with a random suffix, a random birth date.
 */
export function newPatient(): PatientDemographics {
  const suffix = randomBytes(3).toString('hex');
  const year = randomInt(1930, 2000);
  const month = randomInt(1, 13);
  const day = randomInt(1, 29);
  return {
    patientId: `NHN-${randomBytes(5).toString('hex').toUpperCase()}`,
    name: `${pick(GIVEN)} ${pick(FAMILY)}-${suffix}`,
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
  };
}

/** A visit note with a unique marker. */
export function newNote(topic: string): string {
  return `Visit ${randomBytes(4).toString('hex')}: ${topic}`;
}

function pick(values: readonly string[]): string {
  return values[randomInt(values.length)] ?? '';
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
