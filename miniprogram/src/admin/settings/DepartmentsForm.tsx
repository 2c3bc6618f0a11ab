import { View, Text, Input } from '@tarojs/components';
import { HAZARD_CATEGORIES, categoryLabel } from '@yingji/shared';
import { SaveBar, section, useFormState, useSectionSave } from './common';
import type { Config } from './common';

/** `departmentByCategory.fire` → 消防 的负责部门. */
function describe(path: string): string | undefined {
  const m = /^departmentByCategory\.?(\w*)/.exec(path);
  if (!m) return undefined;
  return m[1] ? `“${categoryLabel(m[1])}”的负责部门` : '部门分派';
}

/**
 * 部门分派: which department a new hazard of each category goes to, one row per category of the
 * office's list. A row left empty keeps the system's default department for that category.
 */
export function DepartmentsForm(props: { config: Config; reload: () => Promise<void> }) {
  const stored = section<Record<string, string>>(props.config, 'departmentByCategory');
  const [table, setTable] = useFormState(() => ({ ...stored }), stored);
  const s = useSectionSave(props.reload, describe);

  const save = () => {
    // Only the rows filled in; the server trims and refuses a row of spaces.
    const filled = Object.fromEntries(Object.entries(table).filter(([, v]) => v !== ''));
    return s.save({ departmentByCategory: filled });
  };

  return (
    <View className="card settings-card" id="departments-form">
      <Text className="card-title">部门分派</Text>
      <Text className="hint">
        新登记的隐患按类别分派给负责部门。空着的类别按系统默认部门分派；修改只影响之后登记的隐患。
      </Text>
      <View className="settings-departments">
        {HAZARD_CATEGORIES.map((c) => (
          <View key={c.code} className="list-row settings-department" id={`department-row-${c.code}`}>
            <Text className="settings-department-name">{c.label}</Text>
            <Input
              id={`department-${c.code}`}
              className="input"
              value={table[c.code] ?? ''}
              maxlength={60}
              placeholder="按系统默认部门"
              onInput={(e) => setTable((t) => ({ ...t, [c.code]: e.detail.value }))}
            />
          </View>
        ))}
      </View>
      <SaveBar id="departments" busy={s.busy} error={s.error} saved={s.saved} onSave={() => void save()} />
    </View>
  );
}
