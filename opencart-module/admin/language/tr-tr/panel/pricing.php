<?php
// Eklentiler > MesChain > Fiyat kuralları
$_['heading_title']          = 'MesChain Fiyat Kuralları';

// Text
$_['text_home']              = 'Ana Sayfa';
$_['text_meschain']          = 'MesChain';
$_['text_menu_settings']     = 'Ayarlar';
$_['text_request_failed']    = 'İstek başarısız oldu. Sorun sürerse sayfayı yenileyip yeniden oturum açın.';
$_['text_intro']             = 'Trendyol\'a gönderilen her fiyat bu kurallardan geçer: KDV dahil OpenCart fiyatı (ve indirimli fiyat), sonra kâr marjı, sonra en düşük fiyat, sonra yuvarlama. Marka kuralı kategori kuralından, kategori kuralı genel kuraldan önce gelir; kurallı birden çok kategorideki bir üründe en küçük kimlikli kategori belirler.';
$_['text_global']            = 'Genel kural';
$_['text_categories']        = 'Kategoriye özel kurallar';
$_['text_brands']            = 'Markaya (üreticiye) özel kurallar';
$_['text_add_category']      = 'Kategori ekle: adını yazın…';
$_['text_add_brand']         = 'Marka ekle: üreticinin adını yazın…';
$_['text_preview']           = 'Önizleme';
$_['text_add_product']       = 'Ürün ekle: adını yazın…';
$_['text_no_preview']        = 'Düzenlenen kurallarla Trendyol fiyatlarını görmek için birkaç ürün seçin.';
$_['text_not_found']         = 'bir OpenCart ürünü değil.';
$_['text_rule_global']       = 'Genel';
$_['text_rule_category']     = 'Kategori';
$_['text_rule_brand']        = 'Marka';
$_['text_rounding_none']     = 'Yuvarlama yok';
$_['text_rounding_whole']    = 'Tam liraya yukarı (13,00)';
$_['text_rounding_ends_90']  = ',90\'a yukarı (12,90)';
$_['text_rounding_ends_99']  = ',99\'a yukarı (12,99)';
$_['text_saved']             = 'Başarılı: fiyat kuralları kaydedildi.';
$_['text_sync_started']      = 'Bir stok senkronizasyonu (iş #%d) değişen fiyatları şimdi Trendyol\'a gönderiyor.';
$_['text_sync_later']        = 'Değişen fiyatları bir sonraki stok senkronizasyonu Trendyol\'a gönderir.';

// Entry
$_['entry_markup_percent']   = 'Kâr marjı (%)';
$_['entry_markup_amount']    = 'Kâr marjı (tutar)';
$_['entry_rounding']         = 'Yuvarlama';
$_['entry_floor_price']      = 'En düşük fiyat';
$_['entry_product_ids']      = 'Ürün kimlikleri, virgülle ayrılmış';

// Help
$_['help_rule']              = 'Kâr marjı yüzdesi -99,99 ile 1000 arası, tutarlar en çok iki ondalıklı (eksi bir tutar fiyatı düşürür, ama 0\'ın altına indirmez). En düşük fiyat sabit bir tutardır: OpenCart\'ta maliyet fiyatı tutulmaz. Yuvarlama hep yukarı yapılır, böylece en düşük fiyat korunur. Liste fiyatı ve satış fiyatı aynı kuralla hesaplanır; satış fiyatı liste fiyatını geçmez.';
$_['help_categories']        = 'Kategori kuralı o kategorideki her ürünü fiyatlar (markasının kuralı yoksa).';
$_['help_brands']            = 'Marka kuralı, kategorisi ne olursa olsun o üreticinin her ürününü fiyatlar.';
$_['help_preview']           = 'Bu sayfadaki haliyle, kaydetmeden önce kurallarla fiyatlar. "Bugün", kural olmadan Trendyol\'a gidendir (liste / satış, KDV dahil).';

// Column
$_['column_category']        = 'Kategori';
$_['column_brand']           = 'Üretici';
$_['column_action']          = 'İşlem';
$_['column_product']         = 'Ürün';
$_['column_price']           = 'OpenCart fiyatı';
$_['column_special']         = 'İndirimli fiyat';
$_['column_current']         = 'Bugün';
$_['column_list_price']      = 'Trendyol liste fiyatı';
$_['column_sale_price']      = 'Trendyol satış fiyatı';
$_['column_rule']            = 'Kural';

// Button
$_['button_save']            = 'Kaydet';
$_['button_preview']         = 'Önizle';
$_['button_remove']          = 'Kaldır';

// Error
$_['error_permission']       = 'Uyarı: MesChain fiyat kurallarını değiştirme yetkiniz yok!';
$_['error_rules']            = 'Fiyat kuralları bir kural kümesi olarak gelmedi; sayfayı yenileyip yeniden deneyin.';
