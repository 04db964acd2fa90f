import { useEffect, useState } from 'react';
import { Spin, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useTranslation } from 'react-i18next';
import { registryApi, type Area } from '../api';

interface Node extends DataNode {
  area: Area;
}

const toNode = (a: Area, label: (a: Area) => React.ReactNode): Node => ({ key: a.code, title: label(a), isLeaf: !a.hasChildren, area: a });

function insert(nodes: Node[], key: string, children: Node[]): Node[] {
  return nodes.map((n) => (n.key === key ? { ...n, children } : n.children ? { ...n, children: insert(n.children as Node[], key, children) } : n));
}

/** The area tree of the account's scope, loaded level by level, each with its resident and cadre counts. */
export function AreaTree({ selected, onSelect }: { selected?: string; onSelect: (a: Area) => void }) {
  const { t } = useTranslation();
  const [nodes, setNodes] = useState<Node[] | null>(null);
  const [expanded, setExpanded] = useState<React.Key[]>([]);
  const label = (a: Area) => (
    <span data-testid={`area-${a.code}`}>
      {a.name}{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {a.residents.toLocaleString()} · {a.staff.toLocaleString()}
      </Typography.Text>
    </span>
  );
  useEffect(() => {
    registryApi.root().then((root) => {
      setNodes([toNode(root, label)]);
      setExpanded([root.code]);
      if (!selected) onSelect(root);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (!nodes) return <Spin />;
  return (
    <Tree<Node>
      treeData={nodes}
      expandedKeys={expanded}
      onExpand={(keys) => setExpanded(keys)}
      selectedKeys={selected ? [selected] : []}
      onSelect={(_k, info) => onSelect(info.node.area)}
      loadData={async (node) => {
        if (node.children) return;
        const { children } = await registryApi.children(node.area.code);
        setNodes((prev) => insert(prev ?? [], node.area.code, children.map((c) => toNode(c, label))));
      }}
      blockNode
      aria-label={t('areas.tree')}
    />
  );
}
