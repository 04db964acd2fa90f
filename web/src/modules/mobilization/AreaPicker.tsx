import { useEffect, useRef, useState, type ReactNode } from 'react';
import { TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { registryApi } from '../registry/api';

interface Node {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
}

/**
 * The area a call-up reaches, picked from the registry's tree (opened level by level) or found by
 * a part of its name (山尹 finds 山尹村村民委员会, shown with the town above it): never typed as a
 * code, so a code cut short cannot be chosen.
 */
export function AreaPicker({ value, onChange, id }: { value?: string; onChange?: (code: string) => void; id?: string }) {
  const { t } = useTranslation();
  const [tree, setTree] = useState<Node[]>([]);
  const [hits, setHits] = useState<Node[] | null>(null);
  const [search, setSearch] = useState('');
  const names = useRef(new Map<string, string>());
  const asked = useRef(0);

  useEffect(() => {
    registryApi.root().then((a) => {
      names.current.set(a.code, a.name);
      setTree([{ id: a.code, pId: null, value: a.code, title: a.name, isLeaf: !a.hasChildren }]);
    }, () => undefined);
  }, []);

  useEffect(() => {
    const q = search.trim();
    if (!q) return setHits(null);
    const mine = ++asked.current;
    const timer = setTimeout(() => {
      registryApi.searchAreas(q).then((rows) => {
        if (mine !== asked.current) return; // an older search answered late
        for (const r of rows) names.current.set(r.code, r.name);
        setHits(rows.map((r) => ({ id: r.code, pId: null, value: r.code, title: [...r.path.slice(1), r.name].join(' / '), isLeaf: true })));
      }, () => setHits([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [search]);

  const loadData = async ({ value: code }: { value?: string | number }) => {
    const { children } = await registryApi.children(String(code));
    for (const c of children) names.current.set(c.code, c.name);
    setTree((prev) => [...prev.filter((n) => n.pId !== code), ...children.map((c) => ({ id: c.code, pId: String(code), value: c.code, title: c.name, isLeaf: !c.hasChildren }))]);
  };

  return (
    <TreeSelect
      id={id}
      data-testid="area-picker"
      value={value ? { value, label: names.current.get(value) ?? value } : undefined}
      labelInValue
      onChange={(v: { value: string; label?: ReactNode } | undefined) => {
        if (v) onChange?.(v.value);
        setSearch('');
      }}
      treeDataSimpleMode
      treeData={hits ?? tree}
      loadData={hits ? undefined : loadData}
      showSearch={{ searchValue: search, onSearch: setSearch, filterTreeNode: false }}
      placeholder={t('mob.areaSearch')}
      notFoundContent={hits ? t('mob.areaNone') : undefined}
      style={{ width: '100%' }}
    />
  );
}
