import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { drillsApi, type CheckinResult } from '@yingji/shared';
import { Page } from '../../components/Page';
import { api, errorText } from '../../services/api';
import { locate } from '../../services/location';

function duration(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m} 分 ${Math.round(s % 60)} 秒` : `${Math.round(s)} 秒`;
}

/** 演练签到: one button; the location is sent when the phone gives it (checked against the assembly area). */
export default function Checkin() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CheckinResult>();
  const [error, setError] = useState<string>();
  const [noLocation, setNoLocation] = useState(false);

  const checkin = async () => {
    setBusy(true);
    setError(undefined);
    let location: { lat: number; lng: number } | undefined;
    try {
      location = await locate();
      setNoLocation(false);
    } catch {
      setNoLocation(true);
    }
    try {
      setResult(await drillsApi(api()).checkinLatest({ channel: 'miniprogram', ...(location ? { location } : {}) }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="演练签到" roles={['grid', 'cadre', 'office', 'admin']}>
      <Text className="hint">演练或集结开始后，到达集合地点时点下面的按钮签到。</Text>
      <Button id="checkin-btn" type="primary" className="huge-btn" loading={busy} onClick={checkin}>
        签到
      </Button>
      {noLocation ? <Text className="hint">没有获得位置，本次签到不含位置。</Text> : null}
      {result ? (
        <View className="card" id="checkin-result">
          <Text className="page-title ok-text">{result.alreadyCheckedIn ? '您已签到过' : '签到成功'}</Text>
          <Text>演练：{result.drill.title}</Text>
          <Text style={{ display: 'block' }}>集结用时：{duration(result.seconds)}</Text>
          {result.outsideArea ? <Text className="error-text">注意：您不在集合地点范围内。</Text> : null}
          {result.late ? <Text className="error-text">集结超过了规定时间。</Text> : null}
        </View>
      ) : null}
      {error ? (
        <Text className="error-text" id="checkin-error">
          {error}
        </Text>
      ) : null}
    </Page>
  );
}
