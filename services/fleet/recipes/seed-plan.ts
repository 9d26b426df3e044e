import { amount, INGREDIENTS, pastTimestamp } from '../seed/fake-values';
import type { ServiceSeedPlan } from '../seed/seed-plan';

const RECIPE_NAMES = ['Country sourdough', 'Rye loaf', 'Butter croissant', 'Cheesecake', 'Oat cookies', 'Brioche'];

export const seedPlan: ServiceSeedPlan = {
  shared: [],
  tables: [
    {
      table: 'recipes',
      share: 3,
      columns: {
        id: (s) => s.id('recipes'),
        tenant_id: (s) => s.tenant,
        // Every third recipe is a variant of the one before it (a seasonal twist on the house recipe).
        based_on_recipe_id: (s) => `CASE WHEN g % 3 = 2 THEN ${s.id('recipes', 'g - 1')} END`,
        name: (s) => `${s.pick(RECIPE_NAMES)} || ' v' || (1 + g / ${RECIPE_NAMES.length})`,
        category: (s) => s.pick(['bread', 'bread', 'viennoiserie', 'cake', 'biscuit', 'bread']),
        yield_quantity: amount(6, 120),
        yield_unit: `'pcs'`,
        created_at: pastTimestamp(720),
      },
    },
    {
      table: 'recipe_ingredients',
      share: 8,
      columns: {
        id: (s) => s.id('recipe_ingredients'),
        recipe_id: (s) => s.ref('recipes'),
        ingredient_sku: (s) => s.pick(INGREDIENTS, `g / ${s.count('recipes')}`),
        quantity: amount(0.01, 5),
        unit: (s) => s.pick(['kg', 'kg', 'l', 'pcs']),
      },
    },
    {
      table: 'recipe_steps',
      share: 6,
      columns: {
        id: (s) => s.id('recipe_steps'),
        recipe_id: (s) => s.ref('recipes'),
        // Step n of a recipe is its n-th row: (recipe, step_number) stays unique however many steps.
        step_number: (s) => `1 + g / ${s.count('recipes')}`,
        instruction: (s) =>
          s.pick(
            ['Mix', 'Knead', 'Bulk ferment', 'Shape', 'Proof', 'Score', 'Bake', 'Cool'],
            `g / ${s.count('recipes')}`,
          ),
        duration_minutes: '5 + g % 90',
      },
    },
    {
      table: 'recipe_nutrition',
      share: 2,
      columns: {
        // At most one row per recipe: the plan gives nutrition fewer rows than recipes.
        recipe_id: (s) => s.id('recipes'),
        calories_kcal: '180 + g % 320',
        protein_g: '(4 + g % 12)::numeric',
        allergens: `CASE WHEN g % 3 = 0 THEN ARRAY['gluten', 'milk'] ELSE ARRAY['gluten'] END`,
      },
    },
    {
      table: 'audit_log',
      share: 1,
      columns: {
        tenant_id: (s) => s.tenant,
        action: (s) => s.pick(['recipe.created', 'recipe.updated', 'recipe.scaled']),
        created_at: pastTimestamp(365),
      },
    },
  ],
};
