import { useState } from 'react';
import { View, Text, Image } from '@tarojs/components';
import { choosePhotos, compressAndKeep } from '../services/media';

/** Big "+" tile to take or pick photos (compressed on the device), with × to remove one. */
export function PhotoPicker(props: { value: string[]; onChange: (v: string[]) => void; max: number; id?: string }) {
  const [error, setError] = useState<string>();
  const add = async () => {
    setError(undefined);
    try {
      const chosen = await choosePhotos(props.max - props.value.length);
      const kept: string[] = [];
      for (const p of chosen) kept.push(await compressAndKeep(p));
      props.onChange([...props.value, ...kept].slice(0, props.max));
    } catch (e) {
      const msg = (e as { errMsg?: string }).errMsg ?? '';
      if (!/cancel/i.test(msg)) setError('没有选到照片，请再试一次');
    }
  };
  return (
    <View>
      <View className="photo-row">
        {props.value.map((p, i) => (
          <View key={p.slice(-32) + i} className="photo-wrap">
            <Image className="photo" src={p} mode="aspectFill" />
            <View className="photo-del" onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}>
              ×
            </View>
          </View>
        ))}
        {props.value.length < props.max ? (
          <View className="photo-add" id={props.id} onClick={add}>
            <Text className="photo-add-plus">+</Text>
            <Text>拍照/相册</Text>
          </View>
        ) : null}
      </View>
      {error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}
