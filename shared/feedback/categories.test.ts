import { describe, expect, it } from 'vitest';
import { Agency } from '../domain/entities';
import { FEEDBACK_CATEGORIES, findCategory, toOpen311Service } from './categories';
import { foldVietnamese, matches } from './search';

describe('FEEDBACK_CATEGORIES', () => {
  it('has 12 categories with unique codes', () => {
    expect(FEEDBACK_CATEGORIES).toHaveLength(12);
    expect(new Set(FEEDBACK_CATEGORIES.map((c) => c.code)).size).toBe(12);
  });

  it.each(FEEDBACK_CATEGORIES.map((c) => [c.code, c] as const))('%s is well formed', (_code, c) => {
    expect(c.code).toMatch(/^[a-z_]+$/);
    expect(c.vi.trim()).not.toBe('');
    expect(c.en.trim()).not.toBe('');
    expect(['urgent', 'normal', 'complex']).toContain(c.defaultLevel);
    expect(Agency.shape.kind.options).toContain(c.agencyKind);
    for (const k of c.keywords) expect(foldVietnamese(k)).toBe(k);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    ['road_damage', true, 'normal', 'public_works'],
    ['landslide', true, 'urgent', 'district'],
    ['street_lighting', true, 'normal', 'public_works'],
    ['waste_environment', true, 'normal', 'environment'],
    ['water_supply', true, 'normal', 'public_works'],
    ['public_order', false, 'urgent', 'police'],
    ['health', false, 'normal', 'health'],
    ['education', false, 'normal', 'education'],
    ['land', false, 'complex', 'environment'],
    ['admin_procedure', false, 'normal', 'district'],
    ['disaster_flood', false, 'urgent', 'district'],
    ['other', false, 'normal', 'other'],
  ] as const)('%s: needsFixPhoto=%s, %s, %s', (code, photo, level, kind) => {
    expect(findCategory(code)).toMatchObject({ needsFixPhoto: photo, defaultLevel: level, agencyKind: kind });
  });

  it('lookup of an unknown code is undefined, also in a custom list', () => {
    expect(findCategory('nope')).toBeUndefined();
    expect(findCategory('x', [{ ...FEEDBACK_CATEGORIES[0], code: 'x' }])?.code).toBe('x');
  });

  it('category names are searchable without diacritics', () => {
    expect(FEEDBACK_CATEGORIES.filter((c) => matches(c.vi, 'duong hu hong')).map((c) => c.code)).toEqual(['road_damage']);
    expect(FEEDBACK_CATEGORIES.filter((c) => matches(c.vi, 'sat lo')).map((c) => c.code)).toEqual(['landslide']);
  });

  it('maps to an Open311 service row', () => {
    expect(toOpen311Service(findCategory('landslide')!)).toEqual({
      service_code: 'landslide',
      service_name: 'Sạt lở đất, đá',
      description: 'Sạt lở đất, đá (Landslide, rockfall)',
      metadata: false,
      type: 'realtime',
      keywords: 'sat lo,da lan,lo dat,nut dat,taluy',
      group: 'safety',
    });
  });
});
