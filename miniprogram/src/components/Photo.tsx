import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Image, View, Text } from '@tarojs/components';
import { mediaSrc } from '../services/media';

/** A stored photo (needs the user's token, so it is fetched, not linked). Tap to see it large. */
export function Photo(props: { id: string; className?: string }) {
  const [src, setSrc] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    mediaSrc(props.id)
      .then((s) => live && setSrc(s))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [props.id]);
  if (failed) {
    return (
      <View className={`photo photo-missing ${props.className ?? ''}`}>
        <Text>图片无法显示</Text>
      </View>
    );
  }
  const open = async () => {
    try {
      const big = await mediaSrc(props.id, false);
      await Taro.previewImage({ urls: [big], current: big });
    } catch {
      // keep the thumbnail
    }
  };
  return <Image className={`photo ${props.className ?? ''}`} src={src ?? ''} mode="aspectFill" onClick={open} />;
}

export function PhotoRow(props: { ids: string[] }) {
  if (!props.ids.length) return null;
  return (
    <View className="photo-row">
      {props.ids.map((id) => (
        <Photo key={id} id={id} />
      ))}
    </View>
  );
}
