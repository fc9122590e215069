# 공개 페이지: 첫 페이지와 둘러보기, 창작자·모금 페이지(후원 양식 말고 전부), 게시물, 이들이 함께 쓰는 화면 조각.

pub-loading = 불러오는 중…
pub-create-account = 계정 만들기
pub-kind-creator = 창작자
pub-kind-cause = 모금
pub-supporters = 후원자 { $count }명

## 첫 페이지

pub-home-title = 창작자와 모금을 후원하세요, 결제는 한 달에 한 번
pub-home-description = 창작자와 모금에 보내는 팁과 정기 후원을 한 번의 결제로 묶고, 모든 금액이 어디에 쓰였는지 추적합니다.
pub-home-heading = 좋아하는 사람과 모금에 마음을 보태세요
pub-home-lead = 천 원 팁도, 매달 정기 후원도 좋습니다. Chipin은 후원한 모든 금액을 한 달에 한 번 결제로 묶어 작은 후원이 카드 수수료로 사라지지 않게 하고, 모든 금액이 어디에 쓰였는지 보여 드립니다.
pub-home-find = 후원할 곳 찾기
pub-fee-saving = { $gift } 팁 하나를 따로 결제하면 카드 수수료({ $rule })로 { $alone } 손해를 봅니다. Chipin에서는 { $gift }씩 후원 { $count }건이 결제 한 번과 수수료 { $combined } 하나를 나눠 냅니다. 건당 { $alone } 대신 약 { $share }씩, 합계 { $total } 중 { $saved } 절약입니다.
pub-featured = 추천
pub-featured-lead = 지금 후원자가 가장 많은 창작자와 모금입니다.
pub-found-none = 일치하는 결과가 없습니다
pub-found = 창작자와 모금 { $count }곳
pub-no-match = 일치하는 창작자나 모금이 없습니다.
pub-show-everyone = 전체 보기
pub-explore-title = 창작자와 모금
pub-filter-label = 창작자와 모금 찾기
pub-filter-search = 이름으로 검색
pub-filter-category = 분야
pub-filter-all-categories = 모든 분야
pub-filter-kind = 종류
pub-filter-all-kinds = 모든 종류
pub-filter-creators = 창작자
pub-filter-causes = 모금
pub-filter-sort = 정렬
pub-filter-most-supporters = 후원자 많은 순
pub-filter-newest = 최신순
pub-filter-search-button = 검색
pub-pager = 페이지
pub-pager-previous = ← 이전
pub-pager-next = 다음 →
pub-pager-at = { $pages }쪽 중 { $at }쪽
pub-card-from = 월 { $amount }부터

## 창작자·모금 페이지

pub-closed-title = 닫힌 페이지입니다
pub-closed-lead = 페이지 주인이 이 페이지를 닫았습니다. 새 정기 후원이나 팁은 받지 않으며, 지금까지 받은 후원 기록은 아래에 남아 있습니다.
pub-yours-title = 내 페이지입니다
pub-yours-lead = 후원자는 여기에서 정기 후원하고 팁을 보냅니다. 자신의 페이지는 후원할 수 없습니다.
pub-support-name = { $name } 후원하기
pub-support-on-chipin = Chipin에서 { $name }을(를) 후원하세요.
pub-log-in-lead = 로그인하면 매달 정기 후원하거나 한 번만 팁을 보낼 수 있습니다. 후원한 금액은 모두 한 달에 한 번 결제로 묶입니다.
pub-log-in-to-give = 로그인하고 후원하기
pub-about = 소개
pub-goal-raised = 목표액 모금 (카드 수수료 제외)
pub-goal-pledged = 월 목표액 약정
pub-picture-of = { $name } 사진
pub-organized-by = 주최: { $name }
pub-ends = 마감: { $day }
pub-tiers = 등급
pub-per-month = 월
pub-tier-full = 마감: { $limit }자리 모두 찼습니다
pub-tier-places-left = { $limit }자리 중 { $left }자리 남음
pub-tier-choose = { $name } 선택
pub-anonymous = 익명
pub-recent-supporters = 최근 후원자
pub-supporter-since = { $day }부터
pub-tip-messages = 팁과 함께 온 메시지
pub-tipped = { $day }에 { $amount } 팁

## 모금의 공개 장부

pub-ledger = 공개 장부
pub-money-in = 들어온 돈
pub-money-out = 나간 돈
pub-ledger-empty = 아직 모인 후원금이 없습니다.
pub-ledger-tip = 팁
pub-ledger-pledge = 정기 후원
pub-ledger-more = 후원 { $count }건 중 최근 { $shown }건을 보여 줍니다. 합계는 모두를 셉니다.
pub-ledger-total = 합계 (후원 { $count }건)
pub-col-date = 날짜
pub-col-from = 후원자
pub-col-given = 후원액
pub-col-fees = 수수료
pub-col-received = 받은 금액
pub-col-expense = 지출
pub-col-donations = 후원 건수
pub-col-receipt = 영수증
pub-col-amount = 금액
pub-spent = 지출됨
pub-unspent = 미지출
pub-money-out-desc = 후원액 { $given } 중 수수료 { $fees }, 공개된 지출 { $spent }, 아직 쓰지 않은 금액 { $unspent }입니다.
pub-where-money-went = 돈이 쓰인 곳
pub-no-expenses = 아직 공개된 지출이 없습니다. 지출은 영수증과 함께 여기에 올라옵니다.
pub-budget-line = 예산 항목: { $name }
pub-corrected = 정정됨: { $reason }
pub-receipt = 영수증
pub-no-receipt = 영수증 미공개
pub-budget-lines = 예산 항목
pub-budget-lines-lead = 후원자는 후원금을 예산 항목에 지정할 수 있으며, 그 돈은 해당 항목의 지출에만 쓰입니다.
pub-line = 항목
pub-line-earmarked = 지정액 (수수료 제외)
pub-line-spent = 지출액
pub-line-retired = 종료됨
pub-line-expenses = 이 항목의 지출: { $amount }

## 화면 조각: 목표 진행률, 차트, 확인 페이지

pub-goal-of = { $amount } / { $goal } { $label }
pub-goal-of-rest = / { $goal } { $label }
pub-chart-month = 월
pub-confirm-title = 정말 하시겠습니까?
pub-confirm-description = Chipin에서의 변경을 확인합니다.
pub-confirm-failed = 처리하지 못했습니다
pub-confirm-go-back = 돌아가기
pub-confirm-yes-default = 확인
pub-confirm-yes = 네, { $label }
pub-confirm-no = 아니요, 돌아가기
pub-confirm-nothing = 확인할 것이 없습니다
pub-confirm-nothing-lead = 이미 답한 질문이거나 2분이 넘은 질문입니다. 아무것도 바뀌지 않았습니다.

## 페이지의 게시물

pub-posts = 게시물
pub-post-for-tiers = { $tiers } 등급 후원자 전용
# 등급 이름 사이: "골드 또는 실버".
pub-post-tiers-or = {" "}또는{" "}
pub-post-supporters-only = 후원자 전용
pub-post-needs-card = 결제 수단을 저장하면 정기 후원으로 이 게시물이 열립니다.
pub-post-save-card = 카드 저장하기
pub-post-first-month-owed = 후원자 전용 게시물을 한 번 읽으면, 취소하더라도 첫 달 후원금은 결제됩니다.
pub-post-teaser = { $audience }. 이 등급이나 더 높은 등급으로 정기 후원하면 읽을 수 있습니다.

## 분야

pub-category-art = 미술
pub-category-music = 음악
pub-category-writing = 글
pub-category-video = 영상
pub-category-podcasts = 팟캐스트
pub-category-games = 게임
pub-category-software = 소프트웨어
pub-category-education = 교육
pub-category-science = 과학
pub-category-community = 커뮤니티
pub-category-environment = 환경
pub-category-health = 건강
pub-category-other = 기타
